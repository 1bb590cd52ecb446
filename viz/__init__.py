"""Pictures and exports of graph answers; no database access.

What the API routes (and the CLI) call, each with a model the services of `graph/`
returned (a `NetworkView`/`NetworkDetail`, a neighbourhood's `Subgraph`, a
`PathsAnswer`, an `EntityView`), already limited to what the caller may see:

    render_page(model, api_base="", anchor=None, ...) -> str
        The standalone interactive HTML page (viz.page). `anchor` names a
        neighbourhood's anchor; for a network and an entity, `seizures` (party id ->
        every seizure naming it), so that the picture holds, and its TLP covers,
        every record behind it; for an entity also `party_names` (see `picture_of`,
        and `api.cli.view.Answers`, which builds them). `kind="network"` etc. checks
        the model is of that kind.

    export(model, format, **same) -> Exported
        `format` one of graphml, gexf, cytoscape, i2, ftm, ndjson (viz.export).
        `Exported.content()` is the bytes to send, `.media_type` and `.filename` the
        headers, `.handling` the TLP of what it holds.

    picture_of(model, ...) -> Picture
        What both are built from (viz.picture): the graph, its focus, key players,
        communities, the records behind each node, and the handling.

A route: `HTMLResponse(render_page(get_network(store, id), api_base=""))`, or
`Response(e.content(), media_type=e.media_type, headers={"Content-Disposition":
f'attachment; filename="{e.filename}"', "X-TLP": e.handling})` with
`e = export(model, format)`.
"""

from viz.export import Exported, ExportFormat, export
from viz.page import render_page
from viz.picture import Picture, picture_of

__all__ = ["ExportFormat", "Exported", "Picture", "export", "picture_of", "render_page"]
