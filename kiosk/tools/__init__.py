"""Commands beside the kiosk itself: the vision demo and screen previews."""
