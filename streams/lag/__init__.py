"""Consumer lag an operator can trust: offsets, lag in messages and seconds, owners,
and Burrow's status rules, for the CLI, Prometheus and the lag history index."""
