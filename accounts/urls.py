"""Invitations and the newcomer's set-password link."""

urlpatterns: list = []
