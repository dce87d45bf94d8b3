from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "signatures"

    def ready(self):
        from personal_data.rotation import register_encrypted_files
        from signatures.models import PaperSheetScan, SignedFile
        from signatures.scan_files import paper_scan_reseal
        from signatures.signed_files import signed_file_reseal

        register_encrypted_files("paper scans", PaperSheetScan.objects.all, paper_scan_reseal)
        register_encrypted_files("signed statements", SignedFile.objects.all, signed_file_reseal)
