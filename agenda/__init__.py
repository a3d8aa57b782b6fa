"""The rolling agenda: themes, action lines, actions, indicators, budgets and reviews."""
