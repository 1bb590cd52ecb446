"""The workspace in headless Chromium, with every request outside the test server
refused and counted: an analyst signs in (a wrong key first), searches, clicks
through to an entity and its network with their pictures drawn, opens a seizure, a
neighbourhood and the path finder, and signs out; a form posted from another
origin of the same site changes nothing. No page requests anything outside
iprgraph and none logs an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.workspace.sessions import SESSION_COOKIE
from graph.answers import Answer
from tests.browser import Guarded, guarded_page, serve_folder
from tests.views.conftest import Site
from viz import picture_of

_REFUSED = "Failed to load resource: the server responded with a status of {} ({})"


def _origin(url: str) -> str:
    """The same server under a name that is not loopback-looking, as in production
    (Chromium maps iprgraph.test to 127.0.0.1: tests/conftest.py)."""
    return url.replace("127.0.0.1", "iprgraph.test")


def _nodes(answer: Answer) -> int:
    return len(picture_of(answer.model, **answer.picture_args).graph.nodes)


def _drawn(guarded: Guarded) -> int:
    """Nodes the page's framed picture drew, once its layout settled."""
    frame = guarded.page.frame_locator("iframe#picture")
    frame.locator("body[data-settled=true]").wait_for(state="attached", timeout=60_000)
    return int(frame.locator("#drawn").inner_text())


def _click_framed_node(guarded: Guarded, node_id: str) -> str:
    """Click where the page's framed picture drew `node_id`; the details it shows."""
    page = guarded.page
    page.locator("iframe#picture").scroll_into_view_if_needed()
    frame = page.frame_locator("iframe#picture")
    handle = page.locator("iframe#picture").element_handle()
    assert handle is not None
    picture = handle.content_frame()
    assert picture is not None
    point = picture.evaluate(
        """id => {
            const network = window.iprgraphPicture.network;
            network.fit({animation: false});
            return network.canvasToDOM(network.getPositions([id])[id]);
        }""",
        node_id,
    )
    box = frame.locator("#graph canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert picture.evaluate("window.iprgraphPicture.network.getSelectedNodes()") == [node_id]
    return frame.locator("#details").inner_text()


def _clean(guarded: Guarded) -> None:
    assert guarded.blocked == [], guarded.blocked
    assert guarded.errors == [], guarded.errors


def test_an_analyst_works_through_the_workspace(browser: Any, site: Site) -> None:
    origin = _origin(site.base_url)
    key = site.key("US-CBP", "analyst")
    with guarded_page(browser, origin) as guarded:
        page = guarded.page
        page.goto(f"{origin}/")
        assert page.url == f"{origin}/signin"
        # A wrong key is refused on the sign-in page itself.
        page.fill("#key", "ipr_" + "z" * 43)
        page.click("form[action='/signin'] button")
        assert "not one that iprgraph issued" in page.locator("#error").inner_text()
        assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
        # Chromium logs a refused answer as a console error: that one, and only it.
        assert guarded.errors == [_REFUSED.format(401, "Unauthorized")]
        guarded.errors.clear()
        page.fill("#key", key)
        page.click("form[action='/signin'] button")
        assert page.url == f"{origin}/"
        [cookie] = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert "analyst" in page.locator("#who").inner_text()
        assert key not in page.content()
        _clean(guarded)

        # Search, then through to the entity and its picture.
        page.fill("#q", "Shenzhen Huaxin Trading")
        page.click("form.big-search button")
        assert page.url.startswith(f"{origin}/search?")
        page.locator("#hits a", has_text="Huaxin Trading").first.click()
        assert page.url == f"{origin}/entities/{site.front_a}"
        assert page.locator("#members tbody tr").count() == 2
        assert "HK-CED" in page.locator("#names").inner_text()
        answers = site.answers("US-CBP")
        assert _drawn(guarded) == _nodes(answers.entity(site.front_a)) > 1
        _clean(guarded)

        # The network it is in, with its picture.
        page.click("#network-link")
        assert page.url == f"{origin}/networks/{site.network}"
        assert page.locator("#risk-explanation").inner_text().startswith("Risk")
        assert page.locator("#timeline tbody tr").count() >= 1
        assert _drawn(guarded) == _nodes(answers.network(site.network)) == 5
        # A click on a node of the framed picture shows its details, and its link to
        # the API's answer opens with the session (the cookie authenticates GETs).
        assert "Dongguan Mingri" in _click_framed_node(guarded, site.front_b)
        frame = page.frame_locator("iframe#picture")
        link = frame.locator("#node-api-link").get_attribute("href") or ""
        assert link.startswith("/v1/"), link
        answer = page.goto(f"{origin}{link}")
        assert answer is not None and answer.status == 200, (link, answer)
        assert site.front_b in answer.text()
        page.go_back()
        assert page.url == f"{origin}/networks/{site.network}"
        _clean(guarded)

        # A seizure of its second front, then a party's neighbourhood.
        page.locator("#entities a", has_text="Dongguan Mingri").click()
        page.locator("#seizures a").first.click()
        assert "/seizures/US-CBP:" in page.url and "TLP:RED" in page.locator("h1").inner_text()
        assert _drawn(guarded) > 5
        page.locator("#parties a", has_text="Lone Star").click()
        page.locator("#members a", has_text="neighbourhood").first.click()
        assert "/neighborhood/" in page.url
        assert _drawn(guarded) == page.locator("#nodes li").count()
        _clean(guarded)

        # The path finder between two nodes.
        page.goto(f"{origin}/paths")
        page.fill("#source", site.hostile)
        page.fill("#target", site.front_b)
        page.select_option("#max_hops", "6")
        page.click("#path-form button")
        assert page.locator("#paths li").count() == 1
        assert _drawn(guarded) == 5  # the buyer, a seizure, a front, the phone, the front
        _clean(guarded)

        # Signing out ends the session.
        page.click("#signout button")
        assert page.url == f"{origin}/signin"
        page.goto(f"{origin}/entities/{site.front_a}")
        assert page.url == f"{origin}/signin"
        _clean(guarded)

        # A partner's workspace is one page that says what its role may do.
        page.fill("#key", site.key("CN-GACC", "partner"))
        page.click("form[action='/signin'] button")
        assert page.url == f"{origin}/"
        assert "POST /v1/match" in page.locator("#partner").inner_text()
        assert page.locator("form[action='/search']").count() == 0
        _clean(guarded)


def test_a_form_posted_from_another_origin_changes_nothing(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    """A page on another port of the same host (same site: the browser sends the
    Strict cookie with its post) submits the sign-out form without its token."""
    origin = _origin(site.base_url)
    (tmp_path / "attack.html").write_text(
        f'<!doctype html><form method="post" action="{origin}/signout">'
        '<input type="hidden" name="csrf_token" value="guessed">'
        '<button id="go" type="submit">win a prize</button></form>',
        encoding="utf-8",
    )
    with serve_folder(tmp_path) as attacker:
        elsewhere = _origin(attacker)
        with guarded_page(browser, origin, elsewhere) as guarded:
            page = guarded.page
            page.goto(f"{origin}/signin")
            page.fill("#key", site.key())
            page.click("form[action='/signin'] button")
            assert page.url == f"{origin}/"
            page.goto(f"{elsewhere}/attack.html")
            with page.expect_response(f"{origin}/signout") as posted:
                page.click("#go")
            assert posted.value.status == 403
            # Refused for its origin (Chromium sends no Sec-Fetch-Site over plain HTTP to
            # a host that is not loopback, so the Origin check answers first here).
            assert (
                "only the workspace's own pages may send it" in page.locator("#error").inner_text()
            )
            # Chromium logs a refused answer as a console error: that one, and only it.
            assert guarded.errors == [_REFUSED.format(403, "Forbidden")]
            guarded.errors.clear()
            page.goto(f"{origin}/")
            assert page.url == f"{origin}/", "still signed in"
            assert page.locator("#who").count() == 1
            _clean(guarded)
