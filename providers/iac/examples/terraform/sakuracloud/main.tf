# govscan demo: Sakura Cloud in Terraform.
provider "sakuracloud" {
  zone = "is1b"
}

# Violation: the sandbox zone tk1v is not a production zone.
resource "sakuracloud_disk" "sandbox" {
  name = "demo-sandbox"
  zone = "tk1v"
  size = 20
}

# Violation: an unencrypted disk (encryption_algorithm defaults to none).
resource "sakuracloud_disk" "plain" {
  name = "demo-plain"
  size = 20
}

# Compliant twin: an encrypted disk in Tokyo zone 1.
resource "sakuracloud_disk" "encrypted" {
  name                 = "demo-encrypted"
  zone                 = "tk1b"
  size                 = 20
  encryption_algorithm = "aes256_xts"
}

# Violation: SSH allowed from anywhere.
resource "sakuracloud_packet_filter" "open" {
  name = "demo-open"
  expression {
    protocol         = "tcp"
    destination_port = "22"
    allow            = true
  }
}

# Compliant twin: SSH from the office network only, everything else denied.
resource "sakuracloud_packet_filter" "closed" {
  name = "demo-closed"
  expression {
    protocol         = "tcp"
    source_network   = "203.0.113.0/24"
    destination_port = "22"
    allow            = true
  }
  expression {
    protocol = "ip"
    allow    = false
  }
}
