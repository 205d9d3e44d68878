# govscan demo: Google Cloud in Terraform.
provider "google" {
  project = "demo-govcloud"
  region  = "asia-northeast1"
}

# Violation: a multi-region bucket in the US.
resource "google_storage_bucket" "exports_us" {
  name                        = "demo-exports-us"
  location                    = "US"
  uniform_bucket_level_access = true
}

# Violation: the ASIA multi-region stores data outside Japan.
resource "google_storage_bucket" "exports_asia" {
  name                        = "demo-exports-asia"
  location                    = "ASIA"
  uniform_bucket_level_access = true
}

# Compliant twins: Tokyo, and the Tokyo-Osaka dual-region ASIA1.
resource "google_storage_bucket" "exports" {
  name                        = "demo-exports"
  location                    = "ASIA-NORTHEAST1"
  uniform_bucket_level_access = true
}

resource "google_storage_bucket" "exports_dual" {
  name                        = "demo-exports-dual"
  location                    = "ASIA1"
  uniform_bucket_level_access = true
}

# Violation: SSH open to the world.
resource "google_compute_firewall" "ssh_world" {
  name    = "demo-ssh-world"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
  source_ranges = ["0.0.0.0/0"]
}

# Compliant twin: SSH through IAP only.
resource "google_compute_firewall" "ssh_iap" {
  name    = "demo-ssh-iap"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
  source_ranges = ["35.235.240.0/20"]
}
