# govscan demo: OCI in Terraform.
provider "oci" {
  region = "ap-tokyo-1"
}

provider "oci" {
  alias  = "ashburn"
  region = "us-ashburn-1"
}

variable "compartment_ocid" {
  default = "ocid1.compartment.oc1..demo"
}

# Violation: a bucket in Ashburn.
resource "oci_objectstorage_bucket" "archive_us" {
  provider       = oci.ashburn
  compartment_id = var.compartment_ocid
  name           = "demo-archive-us"
  namespace      = "demo"
}

# Compliant twin: the same bucket in Tokyo.
resource "oci_objectstorage_bucket" "archive" {
  compartment_id = var.compartment_ocid
  name           = "demo-archive"
  namespace      = "demo"
  access_type    = "NoPublicAccess"
  versioning     = "Enabled"
}

# Violation: SSH open to the world.
resource "oci_core_security_list" "open" {
  compartment_id = var.compartment_ocid
  vcn_id         = "ocid1.vcn.oc1.ap-tokyo-1.demo"
  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      min = 22
      max = 22
    }
  }
}

# Compliant twin: SSH from the VCN only.
resource "oci_core_security_list" "closed" {
  compartment_id = var.compartment_ocid
  vcn_id         = "ocid1.vcn.oc1.ap-tokyo-1.demo"
  ingress_security_rules {
    protocol = "6"
    source   = "10.0.0.0/16"
    tcp_options {
      min = 22
      max = 22
    }
  }
}
