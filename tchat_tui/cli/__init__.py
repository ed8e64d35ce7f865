"""The command line: one module per subcommand; parses arguments, builds objects, starts the app or a job."""
