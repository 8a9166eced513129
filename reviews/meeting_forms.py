"""Forms of the review meeting: a review, a participant, a decision, a comment, the
facilitator's override. Rules that importers must obey too live in reviews.decisions;
these forms add what only a person at a keyboard can get wrong (a due date in the past)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from .decisions import DecisionRefused
from .forms import field_of
from .models import Comment, Decision, Participant, Review
from .validators import no_bidi_controls

DATE = forms.DateInput(attrs={"type": "date"})


def _members(review: Review) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(memberships__workspace_id=review.system.workspace_id)
        .order_by("username")
    )


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.get_full_name() or user.get_username()


class ReviewForm(forms.Form):
    title = forms.CharField(max_length=200, validators=[no_bidi_controls])
    date = forms.DateField(widget=DATE)


class ParticipantForm(forms.Form):
    user = MemberChoice(queryset=None, label="Member")
    role = forms.ChoiceField(choices=Participant.ROLES, label="Meeting role")

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "user", MemberChoice).queryset = _members(review)


class DecisionForm(forms.Form):
    """One form for every decision; the fields a state does not use are ignored."""

    state = forms.ChoiceField(choices=Decision.CHOSEN, widget=forms.RadioSelect, label="Decision")
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note (optional)"
    )
    owner = MemberChoice(queryset=None, required=False, label="Owner")
    due = forms.DateField(required=False, widget=DATE, label="Due date")
    ticket_url = forms.CharField(
        required=False,
        max_length=500,
        label="Ticket link (optional)",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    justification = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Justification"
    )
    compensating_controls = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Compensating controls"
    )
    approver = MemberChoice(queryset=None, required=False, label="Approver (an owner)")
    expires = forms.DateField(required=False, widget=DATE, label="Expires")
    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Why it is a false positive"
    )

    # Which fields each state shows (the page hides the others).
    STATE_FIELDS = {
        Decision.MITIGATE: ("owner", "due", "ticket_url"),
        Decision.ACCEPT: ("justification", "compensating_controls", "approver", "expires"),
        Decision.FALSE_POSITIVE: ("reason",),
    }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = _members(review)
        field_of(self, "owner", MemberChoice).queryset = members
        field_of(self, "approver", MemberChoice).queryset = members

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due and self.data.get("state") == Decision.MITIGATE and due < timezone.localdate():
            raise forms.ValidationError("The due date is in the past.")
        return due

    def state_groups(self) -> list[tuple[str, list]]:
        return [
            (state, [self[name] for name in names]) for state, names in self.STATE_FIELDS.items()
        ]

    def decision_values(self) -> dict:
        data = self.cleaned_data
        return {
            "note": data["note"],
            "owner": data["owner"],
            "due": data["due"],
            "ticket_url": data["ticket_url"].strip(),
            "justification": data["justification"],
            "compensating_controls": data["compensating_controls"],
            "approver": data["approver"],
            "expires": data["expires"],
            "reason": data["reason"],
        }

    def add_refusal(self, refused: DecisionRefused) -> None:
        for name, message in refused.errors.items():
            self.add_error(name if name in self.fields else None, message)


class CommentForm(forms.Form):
    text = forms.CharField(
        validators=[no_bidi_controls],
        max_length=Comment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Comment",
        strip=True,
    )


class OverrideForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Why the review can be signed off with these findings open",
    )
