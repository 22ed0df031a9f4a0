"""The API routes: scenarios, runs (jobs, results, compare), admin (users, workspaces, audit)."""
