"""Regional workshops (talleres): their contributions, the printable packet, and coverage."""
