"""A review meeting in real Chromium: two participants in two browsers walk through the
seed example from the keyboard, record one decision of each kind, see each other's
decisions appear, and sign off; the review's PDF holds the register and the sign-offs."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from reviews import services
from reviews.models import Decision, Membership, Review
from tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "saas-docs.yaml"


def _later(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _walk(context, live_server, review: Review):
    page = context.new_page()
    page.goto(f"{live_server.url}/reviews/{review.pk}/walk/")
    expect(page.locator("#walk-finding")).to_be_visible()
    return page


def _finding_title(page) -> str:
    return page.locator("#walk-finding h2").inner_text()


def _go_to(page, title: str, key: str = "j") -> None:
    """Press j (or k) until the walk-through shows the finding titled `title`."""
    for _ in range(60):
        if _finding_title(page) == title:
            return
        page.keyboard.press(key)
        page.wait_for_load_state("domcontentloaded")
    raise AssertionError(f"never reached {title!r}")


def _decided(page, label: str) -> None:
    expect(page.locator("#decision-current .state")).to_have_text(label)


def test_two_participants_decide_by_keyboard_and_sign_off(
    open_context, live_server, owner, workspace, tmp_path
):
    bob = make_user("bob", first_name="Bob", last_name="Builder")
    Membership.objects.create(workspace=workspace, user=bob, role=Membership.OWNER)
    document = services.validate(SEED)[0]
    system = services.create_system(workspace, document, owner)

    # The facilitator creates the review and adds Bob as the security participant.
    alice = open_context(owner).new_page()
    alice.goto(f"{live_server.url}/systems/{system.pk}/reviews/")
    alice.fill("#id_title", "Q4 architecture review")
    alice.get_by_role("button", name="Create review").click()
    expect(alice.locator("h1")).to_have_text("Q4 architecture review")
    alice.select_option("#id_user", label="Bob Builder")
    alice.select_option("#id_role", "security")
    alice.get_by_role("button", name="Add participant").click()
    expect(alice.locator("table").first).to_contain_text("Bob Builder")
    review = Review.objects.get()
    total = len(review.findings)
    alice.get_by_role("button", name="Start the walk-through").click()
    expect(alice.locator("#walk-progress")).to_contain_text(f"0 of {total} decided")

    bob_page = _walk(open_context(bob), live_server, review)
    first = _finding_title(alice)
    assert _finding_title(bob_page) == first
    # Bob starts writing a comment; it must survive the updates that arrive meanwhile.
    bob_page.keyboard.press("c")
    bob_page.keyboard.type("half-written thought")

    # 1. In discussion, from the keyboard only: d, Tab to the note, Ctrl+Enter.
    alice.keyboard.press("d")
    alice.keyboard.press("Tab")
    alice.keyboard.type("Ask the platform team")
    alice.keyboard.press("Control+Enter")
    _decided(alice, "In discussion")
    expect(alice.locator("#walk-progress")).to_contain_text(f"0 of {total} decided")
    # Bob sees it appear without a reload, and his comment is still there.
    _decided(bob_page, "In discussion")
    expect(bob_page.locator("#comments textarea")).to_have_value("half-written thought")
    bob_page.keyboard.press("Control+Enter")
    expect(bob_page.locator("#comment-list")).to_contain_text("half-written thought")
    expect(alice.locator("#comment-list")).to_contain_text("half-written thought")

    # 2. Mitigate the next finding: m puts the cursor on the owner.
    alice.keyboard.press("Escape")
    alice.keyboard.press("j")
    alice.wait_for_load_state("domcontentloaded")
    second = _finding_title(alice)
    assert second != first
    alice.keyboard.press("m")
    expect(alice.locator("#id_owner")).to_be_focused()
    alice.keyboard.type("Bob")
    alice.keyboard.press("Tab")
    expect(alice.locator("#id_due")).to_be_focused()
    alice.locator("#id_due").fill(_later(30))
    # Tab inside a date field walks its month, day and year: go to the ticket link.
    alice.locator("#id_ticket_url").focus()
    alice.keyboard.type("https://tracker.example/SEC-42")
    alice.keyboard.press("Control+Enter")
    _decided(alice, "Mitigate")
    expect(alice.locator("#decision-current")).to_contain_text("Bob Builder")
    expect(
        alice.locator("#decision-current a[href='https://tracker.example/SEC-42']")
    ).to_be_visible()

    # 3. Accept the third, with Bob as approver; Bob approves it from his browser.
    alice.keyboard.press("Escape")
    alice.keyboard.press("j")
    alice.wait_for_load_state("domcontentloaded")
    third = _finding_title(alice)
    alice.keyboard.press("a")
    expect(alice.locator("#id_justification")).to_be_focused()
    alice.keyboard.type("Internal network only; replaced next quarter")
    alice.keyboard.press("Tab")
    alice.keyboard.type("Network ACLs and VPN")
    alice.keyboard.press("Tab")
    alice.keyboard.type("Bob")
    alice.locator("#id_expires").fill(_later(90))
    alice.locator("#id_expires").press("Control+Enter")
    _decided(alice, "Accept (awaiting approval)")

    bob_page.keyboard.press("Escape")
    _go_to(bob_page, third)
    _decided(bob_page, "Accept (awaiting approval)")
    approve = bob_page.get_by_role("button", name="Approve this acceptance")
    approve.focus()
    bob_page.keyboard.press("Enter")
    _decided(bob_page, "Accept the risk")
    # Alice, still on that finding, sees the approval arrive.
    expect(alice.locator("#decision-current")).to_contain_text("approved")

    # 4. False positive on the fourth, by Bob.
    bob_page.keyboard.press("j")
    bob_page.wait_for_load_state("domcontentloaded")
    fourth = _finding_title(bob_page)
    bob_page.keyboard.press("f")
    expect(bob_page.locator("#id_reason")).to_be_focused()
    bob_page.keyboard.type("The hop is a Unix socket on the same host")
    bob_page.keyboard.press("Control+Enter")
    _decided(bob_page, "False positive")

    # 5. Open again: Alice takes the first finding back to open from the keyboard.
    alice.keyboard.press("Escape")
    _go_to(alice, first, key="k")
    alice.keyboard.press("o")
    alice.keyboard.press("Tab")
    alice.keyboard.press("Control+Enter")
    _decided(alice, "Open")
    expect(alice.locator("#walk-progress")).to_contain_text(f"3 of {total} decided")
    expect(bob_page.locator("#walk-progress")).to_contain_text(f"3 of {total} decided")

    states = dict(Decision.objects.values_list("title", "state"))
    assert states[first] == "open"
    assert states[second] == "mitigate"
    assert states[third] == "accept"
    assert states[fourth] == "false-positive"

    # Sign-off: blocked by the open critical and high findings until the facilitator
    # says why; then both sign and the review is signed off.
    alice.goto(f"{live_server.url}/reviews/{review.pk}/")
    expect(alice.locator(".form-errors")).to_contain_text("still open or in discussion")
    alice.fill("#id_reason", "Remaining findings are scheduled for the January review")
    alice.get_by_role("button", name="Record the reason").click()
    alice.get_by_role("button", name="Sign off").click()
    expect(alice.locator(".messages")).to_contain_text("Signed.")
    bob_page.goto(f"{live_server.url}/reviews/{review.pk}/")
    bob_page.get_by_role("button", name="Sign off").click()
    expect(bob_page.locator(".messages")).to_contain_text("the review is signed off")
    review.refresh_from_db()
    assert review.status == Review.SIGNED_OFF
    bob_page.goto(f"{live_server.url}/reviews/{review.pk}/walk/")
    expect(bob_page.locator("#decision-form")).to_have_count(0)

    # The review's PDF carries the register and the sign-offs.
    out = tmp_path / "review.pdf"
    call_command("report", str(system.pk), "--review", str(review.pk), "-o", str(out))
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Risk-acceptance register" in text
    assert "Internal network only; replaced next quarter" in text
    assert "Network ACLs and VPN" in text
    assert "Sign-offs" in text
    assert f"reviewed the findings of revision {review.version}, sha256" in text
    assert "Bob Builder" in text
    assert "Mitigation plan" in text and "tracker.example/SEC-42" in text
