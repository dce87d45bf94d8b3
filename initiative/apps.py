from django.apps import AppConfig


class InitiativeConfig(AppConfig):
    name = "initiative"

    def ready(self):
        from initiative.filing.packet.storage import packet_file_reseal
        from initiative.models import Packet
        from personal_data.rotation import register_encrypted_files

        register_encrypted_files("packet files", Packet.objects.all, packet_file_reseal)
