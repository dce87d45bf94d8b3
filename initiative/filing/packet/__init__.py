"""The packet filed with the council (docs/law.md §The packet): its contents, rendering, seal and integrity
appendix."""
