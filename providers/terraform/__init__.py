"""Terraform: HCL directories and plan JSON, mapped to the same kinds and facts as the live providers."""
