from django.apps import AppConfig


class InitiativeConfig(AppConfig):
    name = "initiative"

    def ready(self):
        from initiative.filing.delivery import delivery_receipt_reseal
        from initiative.filing.packet.storage import packet_file_reseal, signed_packet_reseal
        from initiative.models import Delivery, Packet, SignedPacket
        from personal_data.rotation import register_encrypted_files

        register_encrypted_files("packet files", Packet.objects.all, packet_file_reseal)
        register_encrypted_files("delivery receipts", Delivery.objects.all, delivery_receipt_reseal)
        register_encrypted_files("signed packets", SignedPacket.objects.all, signed_packet_reseal)
