"""SQLite through sqlite-utils: schema, migrations, one module per table family; the only place with SQL."""
