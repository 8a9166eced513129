"""People: sign-in throttling's page, and membership by consent (invitations, and a
one-time link with which an invited newcomer sets a password)."""
