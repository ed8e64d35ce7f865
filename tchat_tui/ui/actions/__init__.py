"""What the moderator's keys do: moderation and sending, as objects the main screen is composed of."""
