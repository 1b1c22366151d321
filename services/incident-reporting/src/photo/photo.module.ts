import { Module } from '@nestjs/common';
import { CONFIG } from '@civgrid/service-kit';
import { IncidentReportingConfig } from '../config/config';
import { PhotoController } from './photo.controller';
import { PhotoService } from './photo.service';
import { LocalDiskPhotoStorage, PHOTO_STORAGE } from './photo.storage';

@Module({
  controllers: [PhotoController],
  providers: [
    PhotoService,
    // Local disk by default; an S3-compatible PhotoStorage plugs in here.
    {
      provide: PHOTO_STORAGE,
      inject: [CONFIG],
      useFactory: (config: IncidentReportingConfig) => new LocalDiskPhotoStorage(config.PHOTO_STORAGE_DIR),
    },
  ],
  exports: [PhotoService],
})
export class PhotoModule {}
