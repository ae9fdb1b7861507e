"""The HTTP routes, one module per group; each route reads its parameters and calls one service."""
