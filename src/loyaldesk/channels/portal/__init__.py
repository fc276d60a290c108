"""The customer portal and the public contact form: customers write in and follow their cases."""
