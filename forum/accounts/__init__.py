"""Moderators' accounts: roles, the team, invitations, passwords, two-factor and sessions."""
