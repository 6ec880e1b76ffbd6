"""The week's patrol roster: zones, rules, the CP-SAT model, the greedy, beats, walks, lanes of zones."""
