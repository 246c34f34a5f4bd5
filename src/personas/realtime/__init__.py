"""Real-time personas: assign a new customer, serve assignments, one customer's profile."""
