import { Module } from '@nestjs/common';
import { CONFIG } from '@civgrid/service-kit';
import { IncidentReportingConfig, s3SettingsOf } from '../config/config';
import { PhotoController } from './photo.controller';
import { PhotoService } from './photo.service';
import { LocalDiskPhotoStorage, PHOTO_STORAGE, S3PhotoStorage } from './photo.storage';

@Module({
  controllers: [PhotoController],
  providers: [
    PhotoService,
    // S3-compatible storage when PHOTO_S3_* are set (all or none, checked at boot); local disk otherwise.
    {
      provide: PHOTO_STORAGE,
      inject: [CONFIG],
      useFactory: (config: IncidentReportingConfig) => {
        const s3 = s3SettingsOf(config);
        return s3 ? S3PhotoStorage.connect(s3) : new LocalDiskPhotoStorage(config.PHOTO_STORAGE_DIR);
      },
    },
  ],
  exports: [PhotoService],
})
export class PhotoModule {}
