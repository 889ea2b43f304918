"""Pages that combine domains (the article page, "Mis aportes"). Composition only: they ask each
domain's service for its part and hold no rule of their own."""
