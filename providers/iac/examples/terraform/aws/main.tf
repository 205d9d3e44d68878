# govscan demo: AWS in Terraform. Violations and their compliant twins.
provider "aws" {
  region = "ap-northeast-1"
}

provider "aws" {
  alias  = "virginia"
  region = "us-east-1"
}

# Violation: a bucket in us-east-1.
resource "aws_s3_bucket" "reports_us" {
  provider = aws.virginia
  bucket   = "demo-reports-us"
}

# Compliant twin: the same bucket in Tokyo.
resource "aws_s3_bucket" "reports" {
  bucket = "demo-reports"
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket                  = aws_s3_bucket.reports.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Violation: a global table replica in Oregon.
resource "aws_dynamodb_table" "sessions_global" {
  name             = "demo-sessions"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  attribute {
    name = "id"
    type = "S"
  }
  replica {
    region_name = "us-west-2"
  }
}

# Compliant twin: the replica in Osaka.
resource "aws_dynamodb_table" "sessions_japan" {
  name             = "demo-sessions-jp"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  attribute {
    name = "id"
    type = "S"
  }
  replica {
    region_name = "ap-northeast-3"
  }
}

# Violation: an unencrypted volume.
resource "aws_ebs_volume" "scratch" {
  availability_zone = "ap-northeast-1a"
  size              = 10
  encrypted         = false
}

# Compliant twin.
resource "aws_ebs_volume" "data" {
  availability_zone = "ap-northeast-1a"
  size              = 10
  encrypted         = true
}

# Violation: SSH open to the world.
resource "aws_security_group" "bastion" {
  name = "demo-bastion"
  ingress {
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Compliant twin: SSH from the office network only.
resource "aws_security_group" "admin" {
  name = "demo-admin"
  ingress {
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["10.10.0.0/16"]
  }
}
