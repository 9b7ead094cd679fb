"""Categories, attribute definitions, products (SPU), SKUs, tags and media."""
