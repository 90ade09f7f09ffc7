"""Built-in plugins: kernel features registered through the same hooks third parties use."""
