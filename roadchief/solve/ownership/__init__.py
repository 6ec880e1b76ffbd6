"""One road, one chief (一路一长): give every segment one owner, and measure the ownership."""
