"""Each kind of picture in headless Chromium, built from what the real services
answer on the world of conftest.py: nothing requested outside the page, no console
error, every node drawn, a click on a node shows its details, and the filters, the
search, the PNG and the caps do what the page says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.answers import Answer
from tests.browser import Guarded, guarded_page, serve_folder
from tests.viz.conftest import HOSTILE, World
from viz import picture_of, render_page

KINDS = ["network", "neighbourhood", "paths", "entity"]


@pytest.fixture(scope="module")
def site(answers: dict[str, Answer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("pages")
    for kind, answer in answers.items():
        html = render_page(answer.model, api_base="/api", **answer.picture_args)
        (folder / f"{kind}.html").write_text(html, encoding="utf-8")
        capped = render_page(answer.model, max_nodes=3, max_edges=2, **answer.picture_args)
        (folder / f"{kind}-capped.html").write_text(capped, encoding="utf-8")
    with serve_folder(folder) as base_url:
        yield base_url


def _open(guarded: Guarded, url: str) -> None:
    guarded.page.goto(url)
    guarded.page.wait_for_selector("body[data-settled=true]", state="attached", timeout=60_000)


def _click_node(guarded: Guarded, node_id: str) -> str | None:
    """Click where the page drew `node_id`; the node the picture then has selected."""
    page = guarded.page
    point = page.evaluate(
        """id => {
            const network = window.iprgraphPicture.network;
            network.fit({animation: false});
            return network.canvasToDOM(network.getPositions([id])[id]);
        }""",
        node_id,
    )
    box = page.locator("#graph canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    selected: list[str] = page.evaluate("window.iprgraphPicture.network.getSelectedNodes()")
    return selected[0] if selected else None


@pytest.mark.parametrize("kind", KINDS)
def test_each_picture_draws_every_node_alone_and_shows_a_clicked_node(
    browser: Any, site: str, answers: dict[str, Answer], kind: str
) -> None:
    answer = answers[kind]
    picture = picture_of(answer.model, **answer.picture_args)
    with guarded_page(browser, site) as guarded:
        _open(guarded, f"{site}/{kind}.html")
        page = guarded.page
        assert guarded.blocked == []
        assert guarded.errors == []
        drawn = int(page.locator("#drawn").inner_text())
        assert drawn == len(picture.graph.nodes) > 1
        assert page.evaluate("window.iprgraphPicture.state.drawn") == drawn
        assert page.locator("#tlp").inner_text() == f"TLP:{picture.handling}"
        target = picture.focus[0] if picture.focus else picture.graph.nodes[0].id
        assert _click_node(guarded, target) == target
        label = next(node.label for node in picture.graph.nodes if node.id == target)
        details = page.locator("#details")
        assert label in details.inner_text()
        link = page.locator("#node-api-link").get_attribute("href") or ""
        assert link.startswith("/api/v1/")
        assert guarded.blocked == [] and guarded.errors == [] and guarded.dialogs == []


def test_a_name_with_markup_is_shown_as_text(browser: Any, site: str, world: World) -> None:
    with guarded_page(browser, site) as guarded:
        _open(guarded, f"{site}/paths.html")
        assert _click_node(guarded, world.hostile) == world.hostile
        assert HOSTILE in guarded.page.locator("#details").inner_text()
        assert guarded.page.locator("script").count() == 2  # the data and the page's own
        assert guarded.page.locator("img").count() == 0
        guarded.page.fill("#find", "onerror")
        guarded.page.locator("#found button").first.click()
        assert HOSTILE in guarded.page.locator("#details").inner_text()
        assert guarded.dialogs == [] and guarded.blocked == [] and guarded.errors == []


def _shown(guarded: Guarded) -> int:
    return int(
        guarded.page.evaluate("window.iprgraphPicture.nodes.get({filter: n => !n.hidden}).length")
    )


def test_filters_search_and_png_of_a_neighbourhood(
    browser: Any, site: str, answers: dict[str, Answer]
) -> None:
    answer = answers["neighbourhood"]
    picture = picture_of(answer.model, **answer.picture_args)
    seizures = [node for node in picture.graph.nodes if node.type == "Seizure"]
    assert len(seizures) >= 3
    with guarded_page(browser, site) as guarded:
        _open(guarded, f"{site}/neighbourhood.html")
        page = guarded.page
        total = len(picture.graph.nodes)
        assert _shown(guarded) == total
        page.uncheck('#type-filter input[data-type="Seizure"]')
        assert _shown(guarded) == total - len(seizures)
        assert f"Showing {total - len(seizures)} of {total}" in page.locator("#shown").inner_text()
        page.check('#type-filter input[data-type="Seizure"]')
        assert _shown(guarded) == total
        # Only the first seizure's date: the later seizures are hidden.
        first = min(node.properties["seizure_date"] for node in seizures)
        page.fill("#date-to", first)
        page.dispatch_event("#date-to", "change")
        hidden = page.evaluate(
            "window.iprgraphPicture.nodes.get({filter: n => n.hidden}).map(n => n.id)"
        )
        later = {n.id for n in seizures if n.properties["seizure_date"] > first}
        assert later and later <= set(hidden)
        page.fill("#find", "pacific coast")
        page.locator("#found button").first.click()
        assert "Pacific Coast Distributors LLC" in page.locator("#details").inner_text()
        with page.expect_download() as download:
            page.click("#save-png")
        path = download.value.path()
        assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert download.value.suggested_filename == "iprgraph-neighbourhood.png"
        assert guarded.blocked == [] and guarded.errors == []


def test_a_capped_picture_says_what_it_left_out(
    browser: Any, site: str, answers: dict[str, Answer]
) -> None:
    picture = picture_of(answers["network"].model)
    with guarded_page(browser, site) as guarded:
        _open(guarded, f"{site}/network-capped.html")
        assert int(guarded.page.locator("#drawn").inner_text()) == 3
        left_out = guarded.page.locator("#left-out").inner_text()
        assert f"draws 3 of the answer's {len(picture.graph.nodes)} nodes" in left_out
        assert guarded.blocked == [] and guarded.errors == []
