"""Features built on the simulation kernel: each imports only the kernel, and the kernel never imports them."""
