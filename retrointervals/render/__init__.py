"""Human-readable views of workouts and plans (terminal text for now)."""
