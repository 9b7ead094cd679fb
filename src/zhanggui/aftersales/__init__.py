"""After-sales: return, exchange and refund requests; refunds."""
