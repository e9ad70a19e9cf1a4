"""The adoption procedure: milestones per jurisdiction and status, earliest lawful effective date, the adoption pack."""
