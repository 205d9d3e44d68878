"""CloudFormation: YAML and JSON templates mapped to the same kinds and facts as the live AWS provider."""
