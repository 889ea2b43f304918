"""Contributions the secretariat receives outside Mesa (by e-mail, at the front desk, in a
workshop) and enters on the contributor's behalf, so the matriz de aportes holds everything."""
