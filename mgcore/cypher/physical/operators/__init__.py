"""Physical operators by family (scan, expand, flow, project, write)."""
