"""Orders, order lines with price and cost snapshots, payments and the order state machine."""
