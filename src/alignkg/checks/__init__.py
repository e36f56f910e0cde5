"""What the data must satisfy and what follows from it: SHACL validation with findings located in
the tables, and OWL RL inference."""
