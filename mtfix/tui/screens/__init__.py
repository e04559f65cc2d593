"""The screens and dialogs of the review UI."""
