"""Physical plans: compiled expressions, rows and pull-based operators."""
