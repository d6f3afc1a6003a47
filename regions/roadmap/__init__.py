"""The roadmap's own values and documents: periods, item numbers, the seed-shaped table, its sections, the exports."""
