"""Normalisers of the ingest pipeline: pure functions from what agencies write
to the canonical values of the seizure record (see shared/contract/seizure-record.md)."""

from .contacts import (
    RegistrationId,
    normalise_address,
    normalise_email,
    normalise_phone,
    normalise_registration_id,
)
from .containers import ContainerNumber, normalise_container
from .countries import resolve_country
from .dates import parse_date
from .errors import NormaliseError
from .hs import HsCode, normalise_hs
from .money import RatesTable, UsdValue, to_usd
from .names import comparison_form, legal_form_tokens, name_tokens
from .ports import PortResolver, PortResult, PortRow, fold_port_name, load_port_table
from .transport import TRANSPORT_MODES, normalise_transport_mode

__all__ = [
    "TRANSPORT_MODES",
    "ContainerNumber",
    "HsCode",
    "NormaliseError",
    "PortResolver",
    "PortResult",
    "PortRow",
    "RatesTable",
    "RegistrationId",
    "UsdValue",
    "comparison_form",
    "fold_port_name",
    "legal_form_tokens",
    "load_port_table",
    "name_tokens",
    "normalise_address",
    "normalise_container",
    "normalise_email",
    "normalise_hs",
    "normalise_phone",
    "normalise_registration_id",
    "normalise_transport_mode",
    "parse_date",
    "resolve_country",
    "to_usd",
]
