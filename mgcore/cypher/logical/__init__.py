"""Logical plans: operators, the planner and the rewrite rules."""
