"""The packet filed with the council (DESIGN.md §5): its contents, rendering, seal and integrity appendix."""
