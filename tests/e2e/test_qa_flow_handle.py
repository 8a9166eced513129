"""Drawing flows one after another from the handle, as draw.io users chain them: the
element a flow was just drawn to offers its own handle without the pointer leaving it."""

from __future__ import annotations

import pytest

from tests.conftest import make_system, sample_document
from tests.e2e.conftest import open_editor
from tests.e2e.test_editor import point, settled
from tests.e2e.test_editor_extensions import flows_of, handle_of

HANDLE_SHOWN = "() => window.ciphermapEditor.cy.getElementById('flow-handle').nonempty()"


def _three_in_a_row() -> dict:
    return sample_document(
        boundaries=[],
        flows=[],
        elements=[
            {"id": "web", "kind": "service", "position": {"x": 100, "y": 200}},
            {"id": "api", "kind": "service", "position": {"x": 400, "y": 200}},
            {"id": "db", "kind": "database", "position": {"x": 700, "y": 200}},
        ],
    )


def _drag(page, start: dict, target: str) -> None:
    """Drags from `start` onto the element `target`, releasing once edgehandles takes it
    as the target (it waits its hover delay first: a quick release draws nothing)."""
    end = point(page, target)
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=12)
    page.wait_for_function(
        "id => window.ciphermapEditor.cy.getElementById(id).hasClass('eh-target')", arg=target
    )
    page.mouse.up()


@pytest.mark.django_db(transaction=True)
def test_the_element_a_flow_was_drawn_to_offers_its_handle_to_draw_the_next(
    open_context, live_server, owner, workspace
):
    system = make_system(workspace, _three_in_a_row(), author=owner)
    page = open_editor(open_context(owner), live_server, system)
    _drag(page, handle_of(page, "e:web"), "e:api")
    settled(page, 2)
    # The pointer is still on api: moving on it (not into it again) shows api's handle.
    on_api = point(page, "e:api")
    page.mouse.move(on_api["x"] + 10, on_api["y"] + 2, steps=3)
    page.wait_for_function(HANDLE_SHOWN, timeout=2000)
    _drag(page, point(page, "flow-handle"), "e:db")
    settled(page, 3)
    assert [(source, target) for (_id, source, target) in flows_of(system)] == [
        ("web", "api"),
        ("api", "db"),
    ]
