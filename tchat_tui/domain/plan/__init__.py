"""The chat plan: the `Plan` and its timing (model), TOML in (read), `plan check` (check), `plan share` (share)."""
