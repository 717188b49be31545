pilot.yaml: error: cannot read the scenario: no such file
1 error found; nothing was simulated.
