"""Plain-language summaries (lectura fácil) of each article, in Spanish, Quechua and Aymara."""
