"""Optional building blocks for engine authors: an order-preserving value codec, WAL framing and
streaming snapshots. Engines may use them or bring their own."""
